/*
 * i386_unistd.h — the i386 system-call numbers the unit tests call, as
 * Linux's arch/x86/entry/syscalls/syscall_32.tbl assigns them.  Written
 * out here, not taken from the model's syscall table, so a test is an
 * independent check of that table's numbering.  Add a number here when a
 * test needs one; never define one in a test.
 */
#ifndef MEMSIM_I386_UNISTD_H
#define MEMSIM_I386_UNISTD_H

#define NR_RESTART_SYSCALL 0u
#define NR_EXIT 1u
#define NR_FORK 2u
#define NR_WAITPID 7u
#define NR_ALARM 27u
#define NR_KILL 37u
#define NR_TIMES 43u
#define NR_SETPGID 57u
#define NR_GETPPID 64u
#define NR_GETPGRP 65u
#define NR_SETSID 66u
#define NR_GETRUSAGE 77u
#define NR_WAIT4 114u
#define NR_CLONE 120u
#define NR_GETPGID 132u
#define NR_GETSID 147u
#define NR_RT_SIGACTION 174u
#define NR_VFORK 190u
#define NR_TKILL 238u
#define NR_FUTEX 240u
#define NR_TGKILL 270u
#define NR_WAITID 284u
#define NR_CLONE3 435u
#define NR_READ 3u
#define NR_WRITE 4u
#define NR_OPEN 5u
#define NR_CLOSE 6u
#define NR_LINK 9u
#define NR_UNLINK 10u
#define NR_CHMOD 15u
#define NR_LSEEK 19u
#define NR_ACCESS 33u
#define NR_GETPID 20u
#define NR_RENAME 38u
#define NR_MKDIR 39u
#define NR_RMDIR 40u
#define NR_DUP 41u
#define NR_PIPE 42u
#define NR_IOCTL 54u
#define NR_DUP2 63u
#define NR_SYMLINK 83u
#define NR_READLINK 85u
#define NR_MUNMAP 91u
#define NR_FTRUNCATE 93u
#define NR_FSYNC 118u
#define NR_NEWSELECT 142u
#define NR_READV 145u
#define NR_WRITEV 146u
#define NR_SCHED_YIELD 158u
#define NR_NANOSLEEP 162u
#define NR_POLL 168u
#define NR_PREAD64 180u
#define NR_PWRITE64 181u
#define NR_MMAP2 192u
#define NR_STAT64 195u
#define NR_FSTAT64 197u
#define NR_LSTAT64 196u
#define NR_GETDENTS64 220u
#define NR_FCNTL64 221u
#define NR_EXIT_GROUP 252u
#define NR_CLOCK_NANOSLEEP 267u
#define NR_OPENAT 295u
#define NR_PSELECT6 308u
#define NR_PPOLL 309u
#define NR_DUP3 330u
#define NR_PIPE2 331u
#define NR_CLOCK_NANOSLEEP_TIME64 407u

#endif
