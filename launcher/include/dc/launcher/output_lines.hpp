#pragma once
// A process's output as lines: the splitter that turns chunks into lines (pipes, ssh
// channels, files a batch job writes), the tail kept for error messages, and a follower that
// reads what a job appends to a file.

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace dc::launcher {

/// Collects chunks of output and hands out complete lines (without the newline).
class line_splitter {
public:
    template <class Sink> void feed(const char* data, std::size_t size, Sink&& sink) {
        partial_.append(data, size);
        std::size_t start = 0;
        for (auto nl = partial_.find('\n'); nl != std::string::npos;
             nl = partial_.find('\n', start)) {
            sink(partial_.substr(start, nl - start));
            start = nl + 1;
        }
        partial_.erase(0, start);
    }
    /// At the end of the output: a last line without a newline, if any.
    template <class Sink> void finish(Sink&& sink) {
        if (!partial_.empty()) sink(partial_);
        partial_.clear();
    }

private:
    std::string partial_;
};

/// The last lines a worker printed, for launch error messages. Thread-safe.
class output_tail {
public:
    static constexpr std::size_t kept_lines = 20;

    void add(const std::string& line) {
        std::lock_guard lock(mutex_);
        lines_.push_back(line);
        if (lines_.size() > kept_lines) lines_.pop_front();
    }
    std::vector<std::string> lines() const {
        std::lock_guard lock(mutex_);
        return {lines_.begin(), lines_.end()};
    }

private:
    mutable std::mutex mutex_;
    std::deque<std::string> lines_;
};

/// Reads what has been appended to a file since the last look (a batch job's output file on
/// a shared file system).
class file_follower {
public:
    explicit file_follower(std::string path) : path_(std::move(path)) {}
    /// True once the file has been seen.
    bool seen() const { return seen_; }
    /// The bytes appended since the last call ("" when none, or no file yet).
    std::string read_new();
    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::uintmax_t offset_ = 0;
    bool seen_ = false;
};

} // namespace dc::launcher
