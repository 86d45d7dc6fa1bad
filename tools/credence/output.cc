#include "output.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <vector>

#include "core/utf8.h"

namespace credence::cli {
namespace {

// The temporary files of the open OutputFiles, removed if a signal ends the process (SIGKILL
// cannot be caught: then a .tmp.<pid> file stays, never the final name). Process-wide by
// nature: a signal handler has nowhere else to look. A slot is in use when its first byte is
// not NUL; it is written last, so the handler never sees half a path.
constexpr int kMaxTemporaries = 8;
constexpr std::size_t kMaxTemporaryPath = 4096;
char g_tmp_paths[kMaxTemporaries][kMaxTemporaryPath];
constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ, SIGABRT};

void RemoveTemporariesAndDie(int sig) {
  for (auto& path : g_tmp_paths) {
    if (path[0] != '\0') ::unlink(path);
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// Installs the handler once, for every signal the process does not ignore (a run under
// nohup keeps ignoring SIGHUP; one that ignores SIGPIPE keeps getting EPIPE).
void InstallHandler() {
  static const bool installed = [] {
    for (int sig : kCleanupSignals) {
      struct sigaction old {};
      if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
      struct sigaction action {};
      action.sa_handler = RemoveTemporariesAndDie;
      sigemptyset(&action.sa_mask);
      ::sigaction(sig, &action, nullptr);
    }
    return true;
  }();
  (void)installed;
}

// The slot of `path` in the table, or -1 when it is full or the path too long (the file is
// then still removed by the destructor, only not on a signal).
int RegisterTemporary(const std::string& path) {
  InstallHandler();
  if (path.empty() || path.size() >= kMaxTemporaryPath) return -1;
  for (int i = 0; i < kMaxTemporaries; ++i) {
    char* slot = g_tmp_paths[i];
    if (slot[0] != '\0') continue;
    std::memcpy(slot + 1, path.c_str() + 1, path.size());  // with the terminating NUL
    slot[0] = path[0];
    return i;
  }
  return -1;
}

void UnregisterTemporary(int slot) {
  if (slot >= 0) g_tmp_paths[slot][0] = '\0';
}

std::string Reason(int err) { return err != 0 ? std::strerror(err) : "unknown error"; }

}  // namespace

// A std::streambuf over a file descriptor that keeps the errno of its first failed write
// (std::ofstream loses it). Owns the descriptor. Thread-compatible.
class OutputFile::FdBuf : public std::streambuf {
 public:
  explicit FdBuf(int fd) : fd_(fd), buffer_(1 << 16) { Reset(); }
  ~FdBuf() override {
    if (fd_ >= 0) ::close(fd_);
  }
  int error() const { return errno_; }
  // Writes what is buffered and closes the descriptor; false (see error()) on failure.
  bool Close() {
    bool ok = Drain();
    if (fd_ >= 0 && ::close(fd_) != 0 && ok) {
      errno_ = errno;
      ok = false;
    }
    fd_ = -1;
    return ok;
  }

 protected:
  int_type overflow(int_type ch) override {
    if (!Drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return Drain() ? 0 : -1; }

 private:
  void Reset() { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
  bool Drain() {
    if (errno_ != 0 || fd_ < 0) return false;
    const char* p = pbase();
    std::size_t n = static_cast<std::size_t>(pptr() - pbase());
    while (n > 0) {
      const ssize_t w = ::write(fd_, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        errno_ = w < 0 ? errno : EIO;
        return false;
      }
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    Reset();
    return true;
  }

  int fd_;
  std::vector<char> buffer_;
  int errno_ = 0;
};

OutputFile::OutputFile(const std::string& path, std::string option)
    : option_(std::move(option)), path_(path == "-" ? std::string() : path) {
  if (path_.empty()) return;
  int fd = -1;
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // Not a file to replace: a directory is an error, a FIFO or a device is written in place.
    if (S_ISDIR(st.st_mode)) {
      error_ = option_ + " " + path_ + ": is a directory";
      return;
    }
    fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      Fail("cannot open", errno);
      return;
    }
  } else {
    tmp_ = path_ + ".tmp." + std::to_string(::getpid());
    constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    fd = ::open(tmp_.c_str(), kFlags, 0666);
    if (fd < 0 && errno == EEXIST) {  // left by an earlier process that had our pid
      ::unlink(tmp_.c_str());
      fd = ::open(tmp_.c_str(), kFlags, 0666);
    }
    if (fd < 0) {
      const int err = errno;
      tmp_.clear();
      Fail("cannot create", err);
      return;
    }
    slot_ = RegisterTemporary(tmp_);
  }
  buf_ = std::make_unique<FdBuf>(fd);
  file_ = std::make_unique<std::ostream>(buf_.get());
}

OutputFile::~OutputFile() {
  if (!tmp_.empty() && !committed_) {
    file_.reset();
    buf_.reset();
    ::unlink(tmp_.c_str());
  }
  UnregisterTemporary(slot_);
}

void OutputFile::Fail(const std::string& what, int err) {
  if (!error_.empty()) return;
  error_ = (path_.empty() ? std::string("stdout") : option_ + " " + path_) + ": " + what + ": " +
           Reason(err);
}

bool OutputFile::ok() {
  if (error_.empty()) {
    if (path_.empty() && !std::cout) Fail("write failed", errno);
    if (file_ != nullptr && !*file_) Fail("write failed", buf_->error());
  }
  return error_.empty();
}

std::ostream& OutputFile::stream() { return file_ != nullptr ? *file_ : std::cout; }

bool OutputFile::Close() {
  if (!ok()) return false;
  if (path_.empty()) {
    errno = 0;
    std::cout.flush();
    if (!std::cout || std::fflush(stdout) != 0) Fail("write failed", errno);
    return ok();
  }
  file_->flush();
  if (!ok()) return false;
  if (!buf_->Close()) Fail("write failed", buf_->error());
  return ok();
}

bool OutputFile::Rename() {
  if (tmp_.empty()) {
    committed_ = true;
    return true;
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    Fail("cannot rename " + tmp_ + " to it", errno);
    return false;
  }
  UnregisterTemporary(slot_);
  slot_ = -1;
  committed_ = true;
  return true;
}

bool OutputFile::Commit() {
  std::string error;
  return CommitAll({this}, &error);
}

bool CommitAll(std::initializer_list<OutputFile*> outputs, std::string* error) {
  auto fail = [&](OutputFile* failed) {
    *error = failed->error();
    for (OutputFile* o : outputs) {
      if (o != nullptr && o->committed_ && !o->tmp_.empty()) ::unlink(o->path_.c_str());
    }
    return false;
  };
  for (OutputFile* o : outputs) {
    if (o != nullptr && !o->Close()) return fail(o);
  }
  for (OutputFile* o : outputs) {
    if (o != nullptr && !o->Rename()) return fail(o);
  }
  return true;
}

bool Opened(std::string_view command, OutputFile& out) {
  if (out.ok()) return true;
  PrintError(command, out.error());
  return false;
}

bool SameOutput(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty() || a == "-" || b == "-") return false;
  if (a == b) return true;
  struct stat sa {
  }, sb{};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

std::string SameFileError(
    std::initializer_list<std::pair<std::string_view, const std::string*>> paths) {
  for (auto a = paths.begin(); a != paths.end(); ++a) {
    for (auto b = paths.begin(); b != a; ++b) {
      if (SameOutput(*a->second, *b->second)) {
        return std::string(a->first) + " and " + std::string(b->first) + " name the same file '" +
               Printable(*a->second) + "'";
      }
    }
  }
  return "";
}

void PrintError(std::string_view command, std::string_view message) {
  std::cerr << "credence " << command << ": " << PrintableMessage(message) << "\n";
}

void PrintError(std::string_view command, const Status& status) {
  PrintError(command, status.ToString());
}

bool CloseStdout(std::string* error) {
  errno = 0;
  std::cout.flush();
  bool failed = !std::cout;
  int err = errno;
  if (std::fflush(stdout) != 0) {
    failed = true;
    err = errno;
  }
  failed = failed || std::ferror(stdout) != 0;
  if (std::fclose(stdout) != 0 && !failed) {
    failed = true;
    err = errno;
  }
  if (failed) *error = "stdout: write failed: " + Reason(err);
  return !failed;
}

std::string HtmlEscape(std::string_view text) {
  const std::string s = core::ReplaceInvalidUtf8(text);
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

std::string DumpJson(const nlohmann::ordered_json& json, int indent) {
  return json.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
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

}  // namespace credence::cli
