#pragma once
// POSIX shared memory behind dc::shared_array. As in Julia, the segment is mapped on every
// process of the array when it is created and its name is unlinked at once, so nothing is left
// in /dev/shm even if a process is killed; each process keeps its mapping in a registry until
// the creator's last handle goes.

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dc::detail {

/// What travels when a shared_array is passed to a call.
struct segment_ref {
    std::string name;
    std::string host;
    std::uint64_t bytes = 0;
    std::vector<int> pids;
    template <class A> void serialize(A& ar) { ar(name, host, bytes, pids); }
};

class shared_segment {
public:
    /// Creates `bytes` of zeroed shared memory mapped on this process and on `pids` (all on
    /// this host). Throws dc::error if shared memory cannot be had or a pid is not local.
    static std::shared_ptr<shared_segment> create(std::size_t bytes, const std::vector<int>& pids);
    /// This process's mapping of a received segment. Throws dc::error if the segment lives on
    /// another host or was not mapped for this process.
    static std::shared_ptr<shared_segment> attach(const segment_ref& ref);

    ~shared_segment();
    shared_segment(const shared_segment&) = delete;
    shared_segment& operator=(const shared_segment&) = delete;

    void* data() const noexcept { return base_; }
    const segment_ref& ref() const noexcept { return ref_; }

    // Used by the remote side of create: map an unlinked-soon name / drop the mapping.
    static void map_here(const std::string& name, std::uint64_t bytes);
    static void unmap_here(const std::string& name);

private:
    shared_segment(segment_ref ref, void* base, bool creator, std::shared_ptr<void> mapping);
    segment_ref ref_;
    void* base_;
    bool creator_;
    std::shared_ptr<void> mapping_; ///< keeps this process's mapping while the handle lives
};

} // namespace dc::detail
