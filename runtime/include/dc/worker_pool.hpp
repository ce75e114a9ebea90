#pragma once
// dc::worker_pool: a set of workers handed out one at a time (Julia's WorkerPool).

#include <memory>
#include <optional>
#include <vector>

namespace dc {

class worker_pool {
public:
    /// A pool of the given workers.
    explicit worker_pool(const std::vector<int>& ids);
    /// Ids in the pool (busy or idle).
    std::vector<int> workers() const;
    std::size_t size() const;
    /// Waits for an idle worker and marks it busy. Throws dc::process_exited if the pool is empty.
    int take();
    /// An idle worker, if there is one now.
    std::optional<int> try_take();
    /// Marks a worker idle again.
    void put_back(int id);
    /// Drops a worker (it exited).
    void remove(int id);

private:
    friend worker_pool& default_worker_pool();
    struct state;
    struct follows_cluster_tag {};
    explicit worker_pool(follows_cluster_tag);
    std::shared_ptr<state> state_;
};

/// All workers, kept in step with addprocs/rmprocs; the master alone when there are none.
worker_pool& default_worker_pool();

} // namespace dc
