// Reading a node's Prometheus metrics (docs/operations.md, "Metrics"): the
// text `cregd run --metrics HOST:PORT` serves over plain HTTP, fetched and
// parsed into its samples. Used by `creg-bench` to report what a run cost
// the node, and by the tests.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace creg {

// Sample values by name, labels included as written: for example
// `creg_tree_size` or `creg_transactions_refused_total{code="REPLAYED"}`.
using MetricSamples = std::map<std::string, double, std::less<>>;

// Parses the Prometheus text exposition format. Comment (#) and blank
// lines are skipped; a sample line is NAME, optional {LABELS}, a value (a
// decimal or exponent number, +Inf, -Inf or NaN) and an optional
// timestamp, which is ignored. InvalidArgument naming the line for any
// other line.
StatusOr<MetricSamples> ParseMetricsText(std::string_view text);

// GETs /metrics from `address` (HOST:PORT) with client/http_client.h and
// parses it. InvalidArgument for a malformed address or an answer other than
// HTTP 200 with a parsable body; Unavailable if the address cannot be
// reached, or closes or stalls before a whole answer, within `timeout` (a
// host name is resolved before it starts: the lookup cannot be
// interrupted); DataLoss for an answer that is not HTTP or a body over
// 16 MiB.
StatusOr<MetricSamples> FetchMetrics(const std::string& address,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace creg
