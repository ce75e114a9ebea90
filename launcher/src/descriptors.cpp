#include <dc/launcher/descriptors.hpp>

#include <dc/errors.hpp>

#include <sys/resource.h>

#include <string>

namespace dc::launcher {

int raise_descriptor_limit() noexcept {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur == RLIM_INFINITY ? -1 : static_cast<int>(limit.rlim_cur);
}

void check_descriptors_for(int workers) {
    const int limit = raise_descriptor_limit();
    const long long needed =
        descriptors_besides_workers + static_cast<long long>(workers) * descriptors_per_worker;
    if (limit < 0 || needed <= limit) return;
    throw launch_error(std::to_string(workers) + " workers need about " + std::to_string(needed) +
                       " file descriptors; the hard limit is " + std::to_string(limit) +
                       "; raise it with ulimit -n (or nofile in /etc/security/limits.conf), or "
                       "start fewer workers");
}

} // namespace dc::launcher
