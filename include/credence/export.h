// File: credence/export.h
//
// CREDENCE_EXPORT marks the symbols that leave the shared library. The project builds with
// -fvisibility=hidden, so anything without this mark stays internal. It is spelled as a C++11
// attribute because GCC rejects __attribute__ after [[nodiscard]] on a class.
#ifndef CREDENCE_EXPORT_H_
#define CREDENCE_EXPORT_H_

#if defined(_WIN32)
#define CREDENCE_EXPORT
#else
#define CREDENCE_EXPORT [[gnu::visibility("default")]]
#endif

#endif  // CREDENCE_EXPORT_H_
