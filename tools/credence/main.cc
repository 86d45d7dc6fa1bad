// credence: the command-line tool. `credence help` lists the subcommands.
#include <cstring>
#include <iostream>
#include <optional>
#include <string_view>

#include "command_line.h"
#include "commands.h"
#include "credence/engine.h"
#include "output.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
  const char* help;
};

constexpr Command kCommands[] = {
    {"score", credence::cli::ScoreCommand, "score a stream of requests (JSON Lines or binary)"},
    {"validate", credence::cli::ValidateCommand, "compile a bundle and print its diagnostics"},
    {"simulate", credence::cli::SimulateCommand,
     "generate synthetic enterprises (requests + labels)"},
    {"features", credence::cli::FeaturesCommand, "compute a bundle's features of requests as CSV"},
    {"explain", credence::cli::ExplainCommand,
     "explain one request's scores, rule hits and decision"},
    {"diff", credence::cli::DiffCommand, "compare two bundles on a population of requests"},
    {"report", credence::cli::ReportCommand, "write a self-contained HTML report on a population"},
    {"predict", credence::cli::PredictCommand, "run one model over the rows of a CSV file"},
    {"screen", credence::cli::ScreenCommand,
     "screen a stream of events against durable per-enterprise states"},
    {"state", credence::cli::StateCommand, "inspect or seed the screening state store"},
    {"cel-conformance", RunCelConformanceCommand, "run CEL conformance cases (JSON Lines)"},
    {"fit", credence::cli::FitCommand, "fit a logistic regression or a WoE scorecard on a CSV"},
    {"metrics", credence::cli::MetricsCommand, "AUC, Gini, KS and PSI of a score column"},
    {"monitor", credence::cli::MonitorCommand,
     "calibration by grade, drift and reasons of a decision log against outcomes"},
};

// credence version: the library version; no options.
int VersionCommand(int argc, char** argv) {
  credence::cli::CommandLine cl("version", "version", "Prints the library version.\n");
  if (std::optional<int> exit = cl.Parse(argc, argv)) return *exit;
  std::cout << "credence " << credence::Version() << "\n";
  return 0;
}

void PrintHelp(std::ostream& out) {
  out << "usage: credence COMMAND [options]   (credence COMMAND --help for details)\n\n";
  for (const Command& c : kCommands) {
    out << "  " << c.name << std::string(17 - std::strlen(c.name), ' ') << c.help << "\n";
  }
  out << "  version          print the library version\n";
}

// Runs the command argv[1] names; its exit status.
int Run(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) == "help" || std::string_view(argv[1]) == "--help") {
    PrintHelp(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  const std::string_view name = argv[1];
  if (name == "version" || name == "--version") return VersionCommand(argc - 1, argv + 1);
  for (const Command& c : kCommands) {
    if (name == c.name) return c.run(argc - 1, argv + 1);
  }
  std::cerr << "credence: unknown command '" << credence::cli::Printable(name) << "'\n\n";
  PrintHelp(std::cerr);
  return 2;
}

}  // namespace

// Every command's output to stdout is checked here, once, at the end: a command that
// succeeded but whose stdout could not be written (a full disk, /dev/full, a closed file)
// fails with exit status 2 and the system's reason. A command that failed already said why.
int main(int argc, char** argv) {
  const int status = Run(argc, argv);
  std::string error;
  if (!credence::cli::CloseStdout(&error) && status == 0) {
    const std::string command = argc >= 2 ? argv[1] : "help";
    credence::cli::PrintError(credence::cli::Printable(command), error);
    return 2;
  }
  return status;
}
