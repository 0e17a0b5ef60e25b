package library

import "syscall"

// oLargeFile is the flag that lets a 32-bit Linux program open a file
// past 2 GiB (0 where every program may). os.Open adds it; an [os.Root]
// opens with the flags it is given only (Go 1.26), so a body file that
// large failed to open there: "value too large for defined data type".
const oLargeFile = syscall.O_LARGEFILE
