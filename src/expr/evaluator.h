// File: expr/evaluator.h
//
// The general evaluator (internal to module expr): walks a planned Node tree (node.h) and
// computes its CEL Value, with CEL's commutative && and ||, errors as values and a cost
// budget. It runs every program; the flat form (flat.h) is a faster path for a subset of
// rule conditions and must always agree with it.
//
// Eval is reentrant and touches no global state: all per-call state is in the Frame.
#ifndef CREDENCE_EXPR_EVALUATOR_H_
#define CREDENCE_EXPR_EVALUATOR_H_

#include <cstdint>
#include <span>

#include "expr/node.h"
#include "expr/value.h"

namespace credence::expr {

class Activation;  // program.h

// Per-evaluation state; lives on the caller's stack.
struct Frame {
  const Activation* activation = nullptr;  // may be null: no variables bound
  std::span<const double> features;
  Value* locals = nullptr;  // comprehension variable slots
  std::uint64_t steps = 0;
  std::uint64_t max_steps = 0;
  bool exhausted = false;  // the budget ran out; the returned value is an error
};

// Evaluates `n`. Each node visited and each comprehension iteration costs a step; calls cost
// what they build or scan (cost.h), charged before they run. May throw std::bad_alloc
// (Program::Run and constant folding catch it).
Value Eval(const Node& n, Frame& f);

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_EVALUATOR_H_
