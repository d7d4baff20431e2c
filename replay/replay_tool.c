/*
 * replay_tool.c — memsim-replay: `memsim replay` as its own executable,
 * linked without Unicorn and Capstone so that a replay does not pay for
 * loading them (a few milliseconds of dynamic relocation per run).
 *   memsim-replay [--ram SIZE] [--paging MODE] [--expect-same] [--db OUT] TRACE
 */
#include "replay/replay.h"

int main(int argc, char **argv)
{
    return replay_main(argc, argv);
}
