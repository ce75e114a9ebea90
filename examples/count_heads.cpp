// Tutorial 2: counting heads, serial and with @distributed (+).
//   nheads = @distributed (+) for i = 1:200000000  Int(rand(Bool))  end
#include <dc/dc.hpp>

#include "timing.hpp"

#include <cstdlib>
#include <functional>
#include <iostream>
#include <random>

// One coin flip per index; each process draws from its own generator.
int flip(std::int64_t) {
    thread_local std::mt19937_64 gen(std::random_device{}());
    return static_cast<int>(gen() & 1);
}

std::int64_t count_serial(std::int64_t n) {
    std::int64_t heads = 0;
    for (std::int64_t i = 0; i < n; ++i)
        heads += flip(i);
    return heads;
}

int main(int argc, char** argv) {
    dc::init(argc, argv);
    const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 200'000'000;
    std::int64_t serial = 0, parallel = 0;
    const double ts = seconds([&] { serial = count_serial(n); });
    const double tp = seconds([&] {
        parallel = dc::distributed_reduce(std::plus<>{}, 0, n,
                                          [](std::int64_t i) -> std::int64_t { return flip(i); });
    });
    std::cout << "serial:   " << serial << " heads of " << n << " in " << ts << " s\n"
              << "parallel: " << parallel << " heads of " << n << " in " << tp << " s on "
              << dc::nworkers() << " workers (speed-up " << ts / tp << "x)" << std::endl;
}
