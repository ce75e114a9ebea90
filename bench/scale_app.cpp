// Scale benchmark, run as `dcrun -p N scale_app`: how long the master's dc::init takes to have
// N workers ready, an everywhere of a no-op (the first, then a second), a pmap of 1e6 no-ops, the
// master's memory, and rmprocs of every worker.
// Prints "name<TAB>value" lines (bench/scale.sh makes the table).
#include <dc/dc.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>

#include <sys/resource.h>

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

long rss_kib() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0;
}

/// CPU time this process has used (user and system), in ms.
double cpu_ms() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    const auto ms = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
    };
    return ms(u.ru_utime) + ms(u.ru_stime);
}

} // namespace

int main(int argc, char** argv) {
    const long rss_alone = rss_kib();
    auto t = std::chrono::steady_clock::now();
    dc::init(argc, argv);
    std::cout << "ready_ms\t" << ms_since(t) << "\n";
    std::cout << "master_cpu_ms\t" << cpu_ms() << "\n";
    const long rss_ready = rss_kib();
    t = std::chrono::steady_clock::now();
    dc::everywhere([] {}); // the first makes the tree's links
    std::cout << "everywhere_ms\t" << ms_since(t) << "\n";
    t = std::chrono::steady_clock::now();
    dc::everywhere([] {});
    std::cout << "everywhere_again_ms\t" << ms_since(t) << "\n";
    std::vector<char> items(1'000'000, 1);
    t = std::chrono::steady_clock::now();
    const auto out = dc::pmap([](char c) { return c; }, items);
    std::cout << "pmap_1e6_ms\t" << ms_since(t) << "\n";
    std::cout << "master_rss_mib\t" << static_cast<double>(rss_kib()) / 1024.0 << "\n";
    std::cout << "master_kib_per_worker\t"
              << static_cast<double>(rss_ready - rss_alone) / dc::nworkers() << "\n";
    t = std::chrono::steady_clock::now();
    dc::rmprocs(dc::workers());
    std::cout << "rmprocs_ms\t" << ms_since(t) << "\n";
    return out.size() == items.size() ? 0 : 1;
}
