#include "cluster/launch_progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace dc::detail {

launch_progress::launch_progress(bool wanted, std::size_t total)
    : on_(wanted && ::isatty(STDERR_FILENO) == 1), total_(total),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

launch_progress::~launch_progress() {
    if (!shown_) return;
    std::fputs("\r\033[K", stderr); // the line goes: what follows starts clean
    std::fflush(stderr);
}

bool launch_progress::due() const {
    return on_ && std::chrono::steady_clock::now() - last_ >= std::chrono::milliseconds(200);
}

void launch_progress::show(std::size_t connected, std::size_t queued, const std::string& job) {
    if (!on_) return;
    last_ = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(last_ - start_).count();
    const std::string line = progress_line(connected, total_, queued, job, seconds);
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    shown_ = true;
}

std::string progress_line(std::size_t connected, std::size_t total, std::size_t queued,
                          const std::string& job, double seconds) {
    std::string line =
        "workers " + std::to_string(connected) + "/" + std::to_string(total) + " connected";
    if (queued > 0) {
        line += " \u00b7 " + std::to_string(queued) + " queued";
        if (!job.empty()) line += " (" + job + ")";
    }
    return line + " \u00b7 " + std::to_string(static_cast<long long>(seconds)) + " s";
}

} // namespace dc::detail
