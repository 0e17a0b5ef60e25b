package naming_test

import (
	"fmt"
	"net/http"

	"github.com/cassette-go/cassette/naming"
)

func ExampleName() {
	get, _ := http.NewRequest("GET", "https://api.example.com/v1/users?sort=name&page=2", nil)
	fmt.Println(naming.Name(get, nil, naming.Default()))

	post, _ := http.NewRequest("POST", "https://api.example.com/v1/orders", nil)
	fmt.Println(naming.Name(post, []byte(`{"item":42}`), naming.Default()))

	// Upper case cannot be shown faithfully: the name ends in a URL hash.
	upper, _ := http.NewRequest("GET", "http://127.0.0.1:8080/Search?q=caf%C3%A9", nil)
	fmt.Println(naming.Name(upper, nil, naming.Default()))
	// Output:
	// GET_api.example.com_443_v1_users__page=2,sort=name
	// POST_api.example.com_443_v1_orders~bbc7941df
	// GET_127.0.0.1_8080_search__q=caf%C3%A9~u2d233354
}

func ExampleName_rules() {
	rules := naming.Rules{
		Headers:     []string{"Accept"},
		IgnoreQuery: []string{"_"},
	}
	r, _ := http.NewRequest("GET", "https://api.example.com/v1/report?_=1699999999&year=2024", nil)
	fmt.Println(naming.Name(r, nil, rules))
	r.Header.Set("Accept", "text/csv")
	fmt.Println(naming.Name(r, nil, rules))
	// Output:
	// GET_api.example.com_443_v1_report__year=2024
	// GET_api.example.com_443_v1_report__year=2024~h59f8b173
}

func ExampleWithoutHost() {
	fmt.Println(naming.WithoutHost("GET_api.example.com_443_v1_users__page=2"))
	fmt.Println(naming.WithoutHost("GET_127.0.0.1_53124_v1_users__page=2"))
	fmt.Println(naming.WithoutHost("POST_api.example.com_443~bbc7941df"))
	// Output:
	// GET_v1_users__page=2
	// GET_v1_users__page=2
	// POST~bbc7941df
}
