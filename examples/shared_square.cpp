// Tutorial 2: a SharedArray squared in place, each worker on its localindices.
//   S = SharedArray{Int}(10); ... @sync for p in procs(S) @async remotecall_wait(square!, p, S) end
#include <dc/dc.hpp>

#include "timing.hpp"

#include <iostream>

void square_my_part(dc::shared_array<std::int64_t> s) {
    auto [first, last] = s.localindices();
    for (auto i = first; i < last; ++i)
        s[i] = s[i] * s[i];
}

int main(int argc, char** argv) {
    dc::init(argc, argv);
    const std::size_t n = argc > 1 ? std::stoul(argv[1]) : 10;
    dc::shared_array<std::int64_t> s(n);
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<std::int64_t>(i + 1);
    std::vector<std::int64_t> serial(s.data(), s.data() + n);
    const double ts = seconds([&] {
        for (auto& x : serial)
            x = x * x;
    });
    const double tp = seconds([&] {
        std::vector<dc::future<void>> parts;
        for (int p : s.pids())
            parts.push_back(dc::remotecall(square_my_part, p, s));
        for (auto& f : parts)
            f.wait();
    });
    std::cout << "squared in place by processes";
    for (int p : s.pids())
        std::cout << ' ' << p;
    std::cout << ": [" << s[0] << ", " << s[1] << ", ..., " << s[n - 1] << "]\n"
              << "serial " << ts << " s, parallel " << tp << " s; results "
              << (std::equal(serial.begin(), serial.end(), s.data()) ? "agree" : "DIFFER")
              << std::endl;
}
