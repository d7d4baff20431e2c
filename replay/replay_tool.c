/*
 * replay_tool.c — memsim-replay: `memsim replay` as its own executable,
 * without the emulator (Unicorn, Capstone, emu/) linked in: a replay that
 * needs nothing of them, also where memsim links the shared libraries
 * (6-9 ms of dynamic relocation per start; docs/PERFORMANCE.md).
 *   memsim-replay [--ram SIZE] [--paging MODE] [--expect-same] [--db OUT] TRACE
 */
#include "replay/replay.h"

int main(int argc, char **argv)
{
    return replay_main(argc, argv);
}
