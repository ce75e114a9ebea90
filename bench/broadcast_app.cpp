// Broadcast benchmark, run as `dcrun -p N broadcast_app [MiB]`: how long dc::sendto takes to
// store a value of MiB (default 256) on one worker, then on every worker (through the fan-out
// tree; DC_TREE_DEGREE=1000000 makes it flat). Prints "name<TAB>value" lines.
#include <dc/dc.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <vector>

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

int main(int argc, char** argv) {
    dc::init(argc, argv);
    const std::size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 256;
    std::vector<double> value(mib * (1 << 20) / sizeof(double));
    for (std::size_t i = 0; i < value.size(); ++i)
        value[i] = static_cast<double>(i);
    const auto ws = dc::workers();
    dc::everywhere([] {}); // links made before timing
    auto t = std::chrono::steady_clock::now();
    dc::sendto({ws[0]}, "value", value);
    const double one = ms_since(t);
    dc::clear_globals(ws);
    t = std::chrono::steady_clock::now();
    dc::sendto(ws, "value", value);
    const double all = ms_since(t);
    std::cout << "workers\t" << ws.size() << "\nmib\t" << mib << "\none_ms\t" << one << "\nall_ms\t"
              << all << "\nratio\t" << all / one << "\n";
    return 0;
}
