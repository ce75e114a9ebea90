// Tutorial 2: pi by the Leibniz series with @distributed (+).
//   @distributed (+) for i in 0:n-1 4.0 * (-1)^i / (2i + 1) end
#include <dc/dc.hpp>

#include "timing.hpp"

#include <cstdlib>
#include <functional>
#include <iomanip>
#include <iostream>

double term(std::int64_t i) {
    return (i % 2 ? -4.0 : 4.0) / static_cast<double>(2 * i + 1);
}

int main(int argc, char** argv) {
    dc::init(argc, argv);
    const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 1'000'000'000;
    double serial = 0, parallel = 0;
    const double ts = seconds([&] {
        for (std::int64_t i = 0; i < n; ++i)
            serial += term(i);
    });
    const double tp =
        seconds([&] { parallel = dc::distributed_reduce(std::plus<>{}, 0, n, term); });
    std::cout << std::setprecision(12) << "serial   pi ~ " << serial << " in " << ts << " s\n"
              << "parallel pi ~ " << parallel << " in " << tp << " s on " << dc::nworkers()
              << " workers (speed-up " << std::setprecision(3) << ts / tp << "x)" << std::endl;
}
