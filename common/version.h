/* version.h — memsim's version, for uname(2), --version and the trace. */
#ifndef MEMSIM_VERSION_H
#define MEMSIM_VERSION_H
#define MEMSIM_VERSION "0.1"
#endif
