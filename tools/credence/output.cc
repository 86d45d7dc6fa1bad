#include "output.h"

#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace credence::cli {
namespace {

// The temporary file of the open OutputFile, removed if SIGINT, SIGTERM or SIGHUP ends the
// process (SIGKILL cannot be caught: then the .tmp.<pid> file stays, never the final name).
// Process-wide by nature: a signal handler has nowhere else to look.
char g_tmp_path[4096];

void RemoveTemporaryAndDie(int sig) {
  if (g_tmp_path[0] != '\0') ::unlink(g_tmp_path);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void RegisterTemporary(const std::string& path) {
  if (path.size() >= sizeof g_tmp_path) return;
  std::memcpy(g_tmp_path, path.c_str(), path.size() + 1);
  struct sigaction action {};
  action.sa_handler = RemoveTemporaryAndDie;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &action, nullptr);
}

void UnregisterTemporary() { g_tmp_path[0] = '\0'; }

}  // namespace

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "missing";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string OutcomeLabel(v1::Outcome outcome) {
  if (outcome == v1::OUTCOME_UNSPECIFIED) return "none";
  std::string name = v1::Outcome_Name(outcome);
  return name.rfind("OUTCOME_", 0) == 0 ? name.substr(8) : name;
}

OutputFile::OutputFile(const std::string& path) : path_(path == "-" ? std::string() : path) {
  if (path_.empty()) return;
  tmp_ = path_ + ".tmp." + std::to_string(::getpid());
  file_.open(tmp_, std::ios::binary | std::ios::trunc);
  if (!file_) {
    error_ = "cannot create " + tmp_;
    return;
  }
  RegisterTemporary(tmp_);
}

OutputFile::~OutputFile() {
  UnregisterTemporary();
  if (!tmp_.empty() && !committed_) {
    file_.close();
    std::remove(tmp_.c_str());
  }
}

std::ostream& OutputFile::stream() { return path_.empty() ? std::cout : file_; }

bool OutputFile::Commit() {
  if (path_.empty()) {
    std::cout.flush();
    if (!std::cout) error_ = "write to stdout failed";
    return ok();
  }
  file_.flush();
  file_.close();
  if (!file_) {
    error_ = "write to " + tmp_ + " failed";
    return false;
  }
  UnregisterTemporary();
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    error_ = "cannot rename " + tmp_ + " to " + path_;
    return false;
  }
  committed_ = true;
  return true;
}

}  // namespace credence::cli
