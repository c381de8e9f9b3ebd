/* The one export of bcryptprimitives.dll that Rust's standard library (1.78 and later)
   imports and Wine 8 lacks: ProcessPrng, over RtlGenRandom. Built with MinGW-w64 and put
   in the test prefix's system32 by scripts/windows/wine-run. */
#include <windows.h>

/* advapi32!SystemFunction036 == RtlGenRandom */
BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len);

BOOL WINAPI ProcessPrng(PBYTE pbData, SIZE_T cbData)
{
    while (cbData > 0) {
        ULONG chunk = cbData > 0x10000000 ? 0x10000000 : (ULONG)cbData;
        if (!SystemFunction036(pbData, chunk))
            return FALSE;
        pbData += chunk;
        cbData -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID reserved)
{
    (void)h; (void)reason; (void)reserved;
    return TRUE;
}
