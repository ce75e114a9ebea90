#include <dc/procs.hpp>

#include "cluster/master.hpp"
#include "cluster/runtime.hpp"
#include "util/log.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

namespace dc {

std::vector<int> addprocs(int n, const options& o) {
    return detail::master::instance().addprocs_local(n, o);
}

std::vector<int> addprocs(managers::cluster_manager& manager, const options& o) {
    auto& m = detail::master::instance();
    if (!o.trace.empty()) m.start_trace(o.trace); // the manager's first steps are on it
    manager.set_step_log(detail::master::note_step);
    const int n = manager.planned_workers();
    if (n < 0) {
        throw std::invalid_argument("addprocs: the " + manager.name() +
                                    " manager needs a number of workers");
    }
    return m.addprocs(manager, n, o);
}

std::vector<int> addprocs(managers::cluster_manager& manager, int n, const options& o) {
    return detail::master::instance().addprocs(manager, n, o);
}

void rmprocs(const std::vector<int>& ids) {
    detail::master::instance().rmprocs(ids);
}

void rmprocs(const std::vector<int>& ids, double waitfor_seconds) {
    if (!(waitfor_seconds >= 0)) {
        throw std::invalid_argument("rmprocs: waitfor must be >= 0 seconds, got " +
                                    std::to_string(waitfor_seconds));
    }
    constexpr double longest = 1e9; // ~30 years: Julia's default waitfor is "for ever"
    detail::master::instance().rmprocs(ids, std::chrono::milliseconds(static_cast<long long>(
                                                std::min(waitfor_seconds, longest) * 1000)));
}

std::vector<int> procs() {
    return detail::runtime::instance().ids();
}

std::vector<int> workers() {
    auto ids = procs();
    if (ids.size() == 1) return ids;
    ids.erase(ids.begin()); // the master (1) is always first
    return ids;
}

int nprocs() {
    return static_cast<int>(procs().size());
}

int nworkers() {
    return nprocs() == 1 ? 1 : nprocs() - 1;
}

int myid() {
    return detail::runtime::instance().id();
}

void adapt(int min, int max) {
    detail::master::instance().adapt(min, max);
}

bool wait_for_workers(int n, double timeout_seconds) {
    if (!(timeout_seconds >= 0)) {
        throw std::invalid_argument("wait_for_workers: the timeout must be >= 0 seconds");
    }
    auto& rt = detail::runtime::instance();
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(std::min(timeout_seconds, 1e9)));
    // A worker joins when its greeting is dispatched, which ends a wait's round.
    return rt.io().wait_until([n] { return static_cast<int>(procs().size()) - 1 >= n; }, deadline,
                              std::chrono::milliseconds(50));
}

} // namespace dc
