// A small, portable pseudo-random generator and the distributions the simulator draws from.
//
// std::mt19937 is portable but the std distributions are not: libstdc++ and libc++ (and
// different versions of one) turn the same engine output into different normals and Poisson
// counts. Everything here is coded from its definition so a seed gives the same history on
// every platform and compiler: xoshiro256** (Blackman & Vigna, 2018) seeded through
// splitmix64, doubles from the top 53 bits, normals by Box-Muller, Poisson by inversion for
// small means and a rounded normal approximation for large ones.
#ifndef CREDENCE_SIM_RNG_H_
#define CREDENCE_SIM_RNG_H_

#include <cmath>
#include <cstdint>
#include <span>

namespace credence::sim {

// splitmix64 (Steele, Lea & Flood 2014): one step of the sequence starting at `state`.
inline std::uint64_t SplitMix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// xoshiro256**. Not thread-safe; each enterprise owns one.
class Rng {
 public:
  // A stream determined by (seed, stream): enterprise i of a run uses stream i, so its
  // history does not depend on how many enterprises are generated or in which order.
  Rng(std::uint64_t seed, std::uint64_t stream) noexcept {
    std::uint64_t sm = seed ^ (0xD1B54A32D192ED03ULL * (stream + 1));
    // Mix the stream number in twice so neighbouring streams start far apart.
    sm = SplitMix64(sm) ^ stream;
    for (auto& w : s_) w = SplitMix64(sm);
  }

  std::uint64_t Next() noexcept {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double Uniform() noexcept { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) noexcept { return lo + (hi - lo) * Uniform(); }
  bool Bernoulli(double p) noexcept { return Uniform() < p; }

  // Uniform integer in [0, n), 0 < n <= 2^53 (floor of a 53-bit uniform times n; the bias
  // is below n / 2^53).
  std::uint64_t Below(std::uint64_t n) noexcept {
    const auto k = static_cast<std::uint64_t>(Uniform() * static_cast<double>(n));
    return k < n ? k : n - 1;
  }
  // Uniform integer in [lo, hi].
  std::int64_t Int(std::int64_t lo, std::int64_t hi) noexcept {
    return lo + static_cast<std::int64_t>(Below(static_cast<std::uint64_t>(hi - lo) + 1));
  }

  // Standard normal by the Box-Muller transform (one of the pair is discarded so the stream
  // position does not depend on earlier calls' parity).
  double Normal() noexcept {
    const double u1 = 1.0 - Uniform();  // (0, 1]
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double Normal(double mean, double sd) noexcept { return mean + sd * Normal(); }
  // exp(Normal(mu, sigma)).
  double LogNormal(double mu, double sigma) noexcept { return std::exp(Normal(mu, sigma)); }
  // Exponential with the given mean.
  double Exponential(double mean) noexcept { return -mean * std::log(1.0 - Uniform()); }

  // Poisson(mean): inversion by sequential search for mean < 30, otherwise the normal
  // approximation N(mean, mean) rounded and clamped at 0 (error far below the model's own).
  std::int64_t Poisson(double mean) noexcept {
    if (!(mean > 0.0)) return 0;
    if (mean < 30.0) {
      double p = std::exp(-mean), cdf = p;
      const double u = Uniform();
      std::int64_t k = 0;
      while (u > cdf && k < 1000) {
        ++k;
        p *= mean / static_cast<double>(k);
        cdf += p;
      }
      return k;
    }
    const double x = std::floor(Normal(mean, std::sqrt(mean)) + 0.5);
    return x < 0 ? 0 : static_cast<std::int64_t>(x);
  }

  // Index drawn with probability proportional to weights[i] (REQUIRES: a positive sum).
  std::size_t Choice(std::span<const double> weights) noexcept {
    double total = 0;
    for (double w : weights) total += w;
    double u = Uniform() * total;
    for (std::size_t i = 0; i + 1 < weights.size(); ++i) {
      if (u < weights[i]) return i;
      u -= weights[i];
    }
    return weights.size() - 1;
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace credence::sim

#endif  // CREDENCE_SIM_RNG_H_
