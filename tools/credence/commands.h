// The subcommands of the `credence` tool. Each takes argv starting at its own name and
// returns the process exit status.
#ifndef CREDENCE_TOOLS_CREDENCE_COMMANDS_H_
#define CREDENCE_TOOLS_CREDENCE_COMMANDS_H_

namespace credence::cli {

int ScoreCommand(int argc, char** argv);
int ValidateCommand(int argc, char** argv);
// credence fit: logistic regression or WoE scorecard from a CSV (tools/credence/fit.cc).
int FitCommand(int argc, char** argv);
// credence metrics: AUC, Gini, KS, PSI of a score column (tools/credence/metrics.cc).
int MetricsCommand(int argc, char** argv);
// tools/credence/simulate.cc
int SimulateCommand(int argc, char** argv);
// tools/credence/features_cmd.cc
int FeaturesCommand(int argc, char** argv);
int ExplainCommand(int argc, char** argv);
int DiffCommand(int argc, char** argv);
int ReportCommand(int argc, char** argv);
// credence predict: runs one model over a CSV (tools/credence/predict.cc).
int PredictCommand(int argc, char** argv);
// credence monitor: calibration, drift and reasons of a decision log
// (tools/credence/monitor.cc).
int MonitorCommand(int argc, char** argv);
// credence screen: screens a stream of events against durable states (tools/credence/screen.cc).
int ScreenCommand(int argc, char** argv);
// credence state: inspects and seeds the screening state store (tools/credence/state_cmd.cc).
int StateCommand(int argc, char** argv);

}  // namespace credence::cli

// credence cel-conformance FILE.jsonl...: runs CEL conformance cases
// (tools/credence/cel_conformance.cc).
int RunCelConformanceCommand(int argc, char** argv);

#endif  // CREDENCE_TOOLS_CREDENCE_COMMANDS_H_
