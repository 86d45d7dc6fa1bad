// The subcommands of the `credence` tool. Each takes argv starting at its own name and
// returns the process exit status.
#ifndef CREDENCE_TOOLS_CREDENCE_COMMANDS_H_
#define CREDENCE_TOOLS_CREDENCE_COMMANDS_H_

namespace credence::cli {

int ScoreCommand(int argc, char** argv);
int ValidateCommand(int argc, char** argv);
int PredictCommand(int argc, char** argv);

}  // namespace credence::cli

// credence cel-conformance FILE.jsonl...: runs CEL conformance cases
// (tools/credence/cel_conformance.cc).
int RunCelConformanceCommand(int argc, char** argv);

#endif  // CREDENCE_TOOLS_CREDENCE_COMMANDS_H_
