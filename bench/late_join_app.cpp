// Late-join benchmark, run by bench/resilience.sh as `dcrun -p N --min-workers 1 --exename
// STARTER late_join_app DIR`: STARTER holds the workers after the first back for a second (as a
// queue would), then writes DIR/start-ID (the wall clock in ns when the worker's job began) and
// starts the program. A pmap runs meanwhile; the app prints, for the late workers, the time
// from their job's start to their first pmap item (median and max).
#include <dc/dc.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

long long wall_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

int main(int argc, char** argv) {
    dc::init(argc, argv);
    const std::string dir = argc > 1 ? argv[1] : ".";
    std::vector<int> items(400, 0);
    const auto ran = dc::pmap(
        [](int) {
            const long long at = wall_ns();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            return std::pair<int, long long>(dc::myid(), at);
        },
        items);
    std::map<int, long long> first_item;
    for (const auto& [id, at] : ran) {
        auto [it, added] = first_item.emplace(id, at);
        if (!added) it->second = std::min(it->second, at);
    }
    std::vector<double> waits_ms;
    for (const auto& [id, at] : first_item) {
        std::ifstream start(dir + "/start-" + std::to_string(id));
        long long began = 0;
        if (id > 2 && start >> began) waits_ms.push_back(static_cast<double>(at - began) / 1e6);
    }
    std::sort(waits_ms.begin(), waits_ms.end());
    if (waits_ms.empty()) {
        std::cout << "late_workers\t0\n";
        return 1;
    }
    std::cout << "late_workers\t" << waits_ms.size() << "\nmedian_ms\t"
              << waits_ms[waits_ms.size() / 2] << "\nmax_ms\t" << waits_ms.back() << "\n";
    return 0;
}
