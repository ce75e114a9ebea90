#pragma once
// The last lines a worker printed, kept for launch error messages, and a splitter that turns
// chunks of output into lines.

#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace dc::managers {

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

/// Collects chunks and calls `sink(line)` for every complete line (without the newline).
template <class Sink>
void split_lines(std::string& partial, const char* data, std::size_t size, Sink&& sink) {
    partial.append(data, size);
    std::size_t start = 0;
    for (auto nl = partial.find('\n'); nl != std::string::npos; nl = partial.find('\n', start)) {
        sink(partial.substr(start, nl - start));
        start = nl + 1;
    }
    partial.erase(0, start);
}

} // namespace dc::managers
