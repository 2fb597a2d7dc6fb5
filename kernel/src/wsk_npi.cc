// The one definition of NPI_WSK_INTERFACE_ID, which <wsk.h> declares extern:
// {2227E803-8D8B-11D4-ABAD-009027719E09} (VALUES.md §3d).
#include <wsk.h>

extern "C" NTKERNELAPI const NPIID NPI_WSK_INTERFACE_ID = {
    0x2227E803,
    0x8D8B,
    0x11D4,
    {0xAB, 0xAD, 0x00, 0x90, 0x27, 0x71, 0x9E, 0x09}};
