#include <dc/detail/shared_segment.hpp>

#include "context/cluster_context.hpp"
#include "engine/engine.hpp"
#include "futures/value_store.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/random_name.hpp>
#include <dc/remotecall.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

namespace dc::detail {
namespace {

struct mapping {
    void* base = nullptr;
    std::size_t bytes = 0;
    ~mapping() {
        if (base) ::munmap(base, std::max<std::size_t>(bytes, 1));
    }
};

// This process's mappings, by segment name.
std::mutex registry_mutex;
std::map<std::string, std::shared_ptr<mapping>>& registry() {
    static std::map<std::string, std::shared_ptr<mapping>> r;
    return r;
}

std::shared_ptr<mapping> map_name(const std::string& name, std::size_t bytes, bool create) {
    const int fd = ::shm_open(name.c_str(), O_RDWR | (create ? O_CREAT | O_EXCL : 0), 0600);
    if (fd < 0) {
        throw dc::error("cannot open shared memory " + name + ": " + std::strerror(errno) +
                        (create ? " (is /dev/shm mounted and writable?)" : ""));
    }
    if (create && ::ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        ::shm_unlink(name.c_str());
        throw dc::error("cannot size shared memory " + name + " to " + std::to_string(bytes) +
                        " bytes: " + why);
    }
    void* base =
        ::mmap(nullptr, std::max<std::size_t>(bytes, 1), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (base == MAP_FAILED)
        throw dc::error("cannot map shared memory " + name + ": " + std::strerror(errno));
    auto m = std::make_shared<mapping>();
    m->base = base;
    m->bytes = bytes;
    return m;
}

std::string fresh_name() {
    return "/dcrun-" + std::to_string(::getpid()) + "-" + launcher::random_hex(12);
}

} // namespace

void shared_segment::map_here(const std::string& name, std::uint64_t bytes) {
    auto m = map_name(name, bytes, false);
    std::lock_guard lock(registry_mutex);
    registry()[name] = std::move(m);
}

void shared_segment::unmap_here(const std::string& name) {
    std::lock_guard lock(registry_mutex);
    registry().erase(name); // handles still in use keep their mapping alive
}

std::shared_ptr<shared_segment> shared_segment::create(std::size_t bytes,
                                                       const std::vector<int>& pids) {
    auto& rt = cluster_context::current();
    segment_ref ref{fresh_name(), rt.host(), bytes, pids};
    auto m = map_name(ref.name, bytes, true);
    {
        std::lock_guard lock(registry_mutex);
        registry()[ref.name] = m;
    }
    try {
        for (int pid : pids) {
            if (pid != rt.id())
                remotecall_wait(&shared_segment::map_here, pid, ref.name, ref.bytes);
        }
    } catch (const std::exception& e) {
        ::shm_unlink(ref.name.c_str());
        unmap_here(ref.name);
        for (int pid : pids) {
            if (pid != rt.id()) remote_do(&shared_segment::unmap_here, pid, ref.name);
        }
        throw dc::error(std::string("shared_array: cannot map the array on every process (all "
                                    "must be on this host, ") +
                        rt.host() + "): " + e.what());
    }
    ::shm_unlink(ref.name.c_str()); // every process has it mapped: the name is no longer needed
    return std::shared_ptr<shared_segment>(new shared_segment(std::move(ref), m->base, true, m));
}

std::shared_ptr<shared_segment> shared_segment::attach(const segment_ref& ref) {
    auto& rt = cluster_context::current();
    if (ref.host != rt.host()) {
        throw dc::error("shared_array " + ref.name + " lives in shared memory on host " + ref.host +
                        "; process " + std::to_string(rt.id()) + " runs on " + rt.host() +
                        ": use a dc::darray to share data across hosts");
    }
    std::shared_ptr<mapping> m;
    {
        std::lock_guard lock(registry_mutex);
        auto it = registry().find(ref.name);
        if (it != registry().end()) m = it->second;
    }
    if (!m) {
        std::string list;
        for (int p : ref.pids)
            list += (list.empty() ? "" : ", ") + std::to_string(p);
        throw dc::error("shared_array " + ref.name + " is not mapped on process " +
                        std::to_string(rt.id()) + "; it was created for processes " + list +
                        " (pass pids to the constructor)");
    }
    // The handle keeps the mapping alive, even if the creator lets go meanwhile.
    return std::shared_ptr<shared_segment>(new shared_segment(ref, m->base, false, m));
}

shared_segment::shared_segment(segment_ref ref, void* base, bool creator,
                               std::shared_ptr<void> mapping)
    : ref_(std::move(ref)), base_(base), creator_(creator), mapping_(std::move(mapping)) {}

shared_segment::~shared_segment() {
    if (!creator_ || !cluster_context::alive()) return;
    auto& rt = cluster_context::current();
    for (int pid : ref_.pids) {
        if (pid == rt.id()) continue;
        try {
            remote_do(&shared_segment::unmap_here, pid, ref_.name);
        } catch (const std::exception&) { // that process is gone, and its mapping with it
        }
    }
    unmap_here(ref_.name);
}

} // namespace dc::detail
