/* What Apple's SDK says of the target, for scripts/cross-check's macOS type check alone:
   C that a build script compiles there is never linked. */
#ifndef TARGET_CONDITIONALS_STAND_IN
#define TARGET_CONDITIONALS_STAND_IN
#define TARGET_OS_MAC 1
#define TARGET_OS_OSX 1
#define TARGET_OS_IPHONE 0
#define TARGET_OS_IOS 0
#define TARGET_OS_WATCH 0
#define TARGET_OS_TV 0
#define TARGET_OS_VISION 0
#define TARGET_OS_SIMULATOR 0
#define TARGET_OS_EMBEDDED 0
#define TARGET_OS_MACCATALYST 0
#endif
