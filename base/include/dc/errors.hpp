#pragma once
// The exception hierarchy of dc: every error the runtime reports derives from dc::error.

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dc {

/// Base of every exception dc throws.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Where a remote error happened: the process's host and OS pid, the called function, and the
/// stack where the exception was thrown.
struct remote_origin {
    std::string host;
    long long os_pid = 0;
    std::string function;   ///< demangled name of the called function or lambda
    std::string stacktrace; ///< one frame a line; empty when it could not be had
};

/// A remote call threw. what() is one line:
/// "On worker N: <type>: <message> (in <function> on <host>, pid <os pid>)".
class remote_exception : public error {
public:
    remote_exception(int pid, std::string type, std::string message, remote_origin origin = {})
        : error(describe(pid, type, message, origin)), pid_(pid), type_(std::move(type)),
          message_(std::move(message)), origin_(std::move(origin)) {}
    /// The id of the process where the call threw.
    int pid() const noexcept { return pid_; }
    /// The demangled type of the original exception, e.g. "std::runtime_error".
    const std::string& type_name() const noexcept { return type_; }
    /// The original what() text.
    const std::string& message() const noexcept { return message_; }
    /// The host name of that process ("" if unknown).
    const std::string& host() const noexcept { return origin_.host; }
    /// Its operating-system process id (0 if unknown).
    long long os_pid() const noexcept { return origin_.os_pid; }
    /// The demangled name of the function or lambda that was called ("" if unknown).
    const std::string& function() const noexcept { return origin_.function; }
    /// That process's stack where the exception was thrown, a frame a line ("" if unknown).
    const std::string& stacktrace() const noexcept { return origin_.stacktrace; }

private:
    static std::string describe(int pid, const std::string& type, const std::string& message,
                                const remote_origin& o) {
        std::string text = "On worker " + std::to_string(pid) + ": " + type + ": " + message;
        if (o.host.empty()) return text;
        text += " (";
        if (!o.function.empty()) text += "in " + o.function + " ";
        return text + "on " + o.host + ", pid " + std::to_string(o.os_pid) + ")";
    }

    int pid_;
    std::string type_;
    std::string message_;
    remote_origin origin_;
};

/// A wait inside an interrupted call (dc::interrupt), or a wait of the master's program when
/// Ctrl-C was pressed once. The cluster stays usable.
class interrupted_error : public error {
public:
    using error::error;
};

/// dc::global_ref found no value of that name and type on this process.
class missing_global : public error {
public:
    using error::error;
};

/// The process a call or a value depended on has exited or is not part of the cluster.
class process_exited : public error {
public:
    process_exited(int pid, const std::string& detail)
        : error("process " + std::to_string(pid) + " exited: " + detail), pid_(pid),
          detail_(detail) {}
    int pid() const noexcept { return pid_; }
    /// Why (what() is "process <pid> exited: <detail>").
    const std::string& detail() const noexcept { return detail_; }

private:
    int pid_;
    std::string detail_;
};

/// A put on a closed channel, or a take/fetch on a closed channel that is empty.
class channel_closed : public error {
public:
    using error::error;
};

/// Several errors from one collective operation (e.g. dc::everywhere).
class composite_exception : public error {
public:
    explicit composite_exception(std::vector<std::exception_ptr> errors)
        : error(describe(errors)), errors_(std::move(errors)) {}
    const std::vector<std::exception_ptr>& errors() const noexcept { return errors_; }

private:
    static std::string describe(const std::vector<std::exception_ptr>& errors) {
        std::string text = std::to_string(errors.size()) + " error(s):";
        for (const auto& e : errors) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                text += "\n  ";
                text += ex.what();
            } catch (...) {
                text += "\n  (an exception not derived from std::exception)";
            }
        }
        return text;
    }

    std::vector<std::exception_ptr> errors_;
};

/// Workers could not be started: names the manager, the worker and the cause.
class launch_error : public error {
public:
    using error::error;
};

/// A cluster description or launcher setting is wrong; what() begins with file:line:column.
class config_error : public error {
public:
    using error::error;
};

} // namespace dc
