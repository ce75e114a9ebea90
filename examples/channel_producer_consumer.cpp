// Tutorial 2: a producer and a consumer on a buffered RemoteChannel owned by a third process.
#include <dc/dc.hpp>

#include "timing.hpp"

#include <iostream>

using jobs = dc::remote_channel<std::int64_t>;

void produce(jobs ch, std::int64_t count) {
    for (std::int64_t i = 1; i <= count; ++i)
        ch.put(i);
    ch.close();
}

std::int64_t consume(jobs ch) {
    std::int64_t sum = 0;
    for (std::int64_t x : ch)
        sum += x * x;
    return sum;
}

int main(int argc, char** argv) {
    dc::init(argc, argv);
    const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 10000;
    const auto w = dc::workers();
    if (w.size() < 3) {
        std::cerr << "run with at least 3 workers: dcrun -p 3 " << argv[0] << "\n";
        return 2;
    }
    std::int64_t serial = 0, parallel = 0;
    const double ts = seconds([&] {
        for (std::int64_t i = 1; i <= n; ++i)
            serial += i * i;
    });
    const double tp = seconds([&] {
        jobs ch(32, w[2]); // buffered, owned by a third process
        auto consumer = dc::remotecall(consume, w[1], ch);
        dc::remote_do(produce, w[0], ch, n);
        parallel = consumer.fetch();
    });
    std::cout << "channel on " << w[2] << ": producer " << w[0] << " -> consumer " << w[1]
              << ", sum of squares " << parallel << " (serial " << serial << ")\n"
              << "serial " << ts << " s, through the channel " << tp << " s" << std::endl;
}
