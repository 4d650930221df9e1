#include "common/Metrics.h"

#include <gtest/gtest.h>

using mg::common::Metrics;

TEST(MetricsTest, RendersCountersGaugesAndHistogramsInTextFormat) {
  Metrics m;
  m.describe("mg_total", "counter", "things");
  m.increment("mg_total", {{"result", "held"}});
  m.increment("mg_total", {{"result", "held"}});
  m.set("mg_gauge", {{"name", "a\"b"}}, 3);
  m.observe("mg_seconds", 0.2);
  const std::string text = m.render();
  EXPECT_NE(text.find("# TYPE mg_total counter"), std::string::npos);
  EXPECT_NE(text.find("mg_total{result=\"held\"} 2"), std::string::npos);
  EXPECT_NE(text.find("mg_gauge{name=\"a\\\"b\"} 3"), std::string::npos);
  EXPECT_NE(text.find("mg_seconds_bucket{le=\"0.25\"} 1"), std::string::npos);
  EXPECT_NE(text.find("mg_seconds_bucket{le=\"0.1\"} 0"), std::string::npos);
  EXPECT_NE(text.find("mg_seconds_count 1"), std::string::npos);
}
