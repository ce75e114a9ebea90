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

/// A remote call threw. what() is "On worker N: <type>: <message>".
class remote_exception : public error {
public:
    remote_exception(int pid, std::string type, std::string message)
        : error("On worker " + std::to_string(pid) + ": " + type + ": " + message), pid_(pid),
          type_(std::move(type)), message_(std::move(message)) {}
    /// The id of the process where the call threw.
    int pid() const noexcept { return pid_; }
    /// The demangled type of the original exception, e.g. "std::runtime_error".
    const std::string& type_name() const noexcept { return type_; }
    /// The original what() text.
    const std::string& message() const noexcept { return message_; }

private:
    int pid_;
    std::string type_;
    std::string message_;
};

/// The process a call or a value depended on has exited or is not part of the cluster.
class process_exited : public error {
public:
    process_exited(int pid, const std::string& detail)
        : error("process " + std::to_string(pid) + " exited: " + detail), pid_(pid) {}
    int pid() const noexcept { return pid_; }

private:
    int pid_;
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
