#include "../components/balance_pad/wire_format.h"
#include "test_runner.h"

using namespace esphome::balance_pad;

static std::string kg(float value) {
  std::string out;
  append_kg(out, value);
  return out;
}

static std::string number(double value, int decimals) {
  std::string out;
  append_number(out, value, decimals);
  return out;
}

TEST(kg_has_three_fixed_decimals) {
  CHECK_STR(kg(0.0f), "0.000");
  CHECK_STR(kg(71.004f), "71.004");
  CHECK_STR(kg(-0.25f), "-0.250");
  CHECK_STR(kg(12.3456f), "12.346");
  CHECK_STR(kg(-0.0004f), "0.000");
  CHECK_STR(kg(-0.0006f), "-0.001");
  CHECK_STR(kg(500.0f), "500.000");
}

TEST(kg_missing_or_impossible_is_null) {
  CHECK_STR(kg(MISSING_KG), "null");
  CHECK_STR(kg(INFINITY), "null");
  CHECK_STR(kg(500.5f), "null");
  CHECK_STR(kg(-1000.0f), "null");
}

TEST(numbers_drop_trailing_zeros) {
  CHECK_STR(number(80.0, 2), "80");
  CHECK_STR(number(79.5, 2), "79.5");
  CHECK_STR(number(12.345, 2), "12.35");
  CHECK_STR(number(4294967295.0, 0), "4294967295");
  CHECK_STR(number(-0.5, 1), "-0.5");
}

TEST(json_strings_are_escaped) {
  std::string out;
  append_json_string(out, "a\"b\\c\n\x01\r\t");
  CHECK_STR(out, "\"a\\\"b\\\\c\\n\\u0001\\r\\t\"");
}

TEST(frame_encoding_matches_protocol_v1) {
  Frame frame;
  frame.seq = 41;
  frame.t_ms = 123456;
  frame.rate_hz = 80.0f;
  frame.samples.push_back({1.5f, 2.25f, MISSING_KG, -0.001f});
  frame.samples.push_back({10.0f, 0.0f, 3.0f, 4.0f});
  CHECK_STR(encode_frame(frame),
            "{\"v\":1,\"seq\":41,\"t_ms\":123456,\"rate_hz\":80,\"cells\":[[1.500,2.250,null,-0.001],"
            "[10.000,0.000,3.000,4.000]]}");
}

TEST(largest_frame_stays_under_4_kib) {
  Frame frame;
  frame.seq = 4294967295u;
  frame.t_ms = 4294967295u;
  frame.rate_hz = 79.99f;
  for (int i = 0; i < 50; i++) {
    frame.samples.push_back({-499.999f, -499.999f, -499.999f, -499.999f});
  }
  CHECK(encode_frame(frame).size() < 4096);
}

TEST(info_and_button_encoding) {
  PadInfo info;
  info.model = "retro-balance-pad";
  info.fw = "0.1.0";
  info.rate_hz = 80.0f;
  info.width_mm = 433.0f;
  info.depth_mm = 238.5f;
  CHECK_STR(encode_info(info),
            "{\"v\":1,\"model\":\"retro-balance-pad\",\"fw\":\"0.1.0\",\"rate_hz\":80,\"width_mm\":433,"
            "\"depth_mm\":238.5,\"cells\":[\"tl\",\"tr\",\"bl\",\"br\"],\"unit\":\"kg\"}");
  CHECK_STR(encode_button(ButtonPress::SHORT), "{\"v\":1,\"press\":\"short\"}");
  CHECK_STR(encode_button(ButtonPress::LONG), "{\"v\":1,\"press\":\"long\"}");
}

TEST(commands_parse) {
  Command tare = parse_command("{\"cmd\":\"tare\"}");
  CHECK(tare.kind == CommandKind::TARE);
  Command cue = parse_command(" { \"v\" : 1 , \"cmd\" : \"cue\", \"cue\": \"fail\", \"extra\": [1, {\"a\": \"]\"}] }\n");
  CHECK(cue.kind == CommandKind::CUE);
  CHECK(cue.cue == Cue::FAIL);
  CHECK(parse_command("{\"cmd\":\"cue\",\"cue\":\"start\"}").cue == Cue::START);
  CHECK(parse_command("{\"cmd\":\"cue\",\"cue\":\"stop\"}").cue == Cue::STOP);
  CHECK(parse_command("{\"cmd\":\"cue\",\"cue\":\"pass\"}").cue == Cue::PASS);
  CHECK(parse_command("{\"cmd\":\"t\\u0061re\",\"x\":null,\"y\":true,\"z\":-1.5e3}").kind == CommandKind::INVALID);
  CHECK(parse_command("{\"cmd\":\"tare\",\"x\":null,\"y\":false,\"z\":-1.5e-3,\"s\":\"\\\"\\/\\b\\f\\n\\r\\t\"}").kind ==
        CommandKind::TARE);
}

TEST(bad_commands_are_rejected_with_a_reason) {
  struct Case {
    const char *payload;
    const char *error;
  };
  const Case cases[] = {
      {"", "payload is not a JSON object"},
      {"[\"tare\"]", "payload is not a JSON object"},
      {"{}", "missing string field 'cmd'"},
      {"{\"cmd\":1}", "missing string field 'cmd'"},
      {"{\"cmd\":\"reboot\"}", "unknown cmd 'reboot'"},
      {"{\"cmd\":\"cue\"}", "cmd 'cue' needs a string field 'cue'"},
      {"{\"cmd\":\"cue\",\"cue\":\"dance\"}", "unknown cue 'dance'"},
      {"{\"v\":2,\"cmd\":\"tare\"}", "unsupported protocol version 2"},
      {"{\"v\":1.0,\"cmd\":\"tare\"}", "unsupported protocol version 1.0"},
      {"{\"v\":\"1\",\"cmd\":\"tare\"}", "unsupported protocol version 1"},
      {"{\"cmd\":\"tare\"} x", "trailing characters after the JSON object"},
      {"{\"cmd\" \"tare\"}", "expected ':' after key"},
      {"{\"cmd\":\"tare\" \"a\":1}", "expected ',' or '}'"},
      {"{cmd:\"tare\"}", "expected a quoted key"},
      {"{\"cmd\":tare}", "bad value for key 'cmd'"},
      {"{\"cmd\":\"ta", "bad value for key 'cmd'"},
      {"{\"cmd\":\"t\\qre\"}", "bad value for key 'cmd'"},
      {"{\"cmd\":\"t\\u00zz\"}", "bad value for key 'cmd'"},
      {"{\"cmd\":\"a\nb\"}", "bad value for key 'cmd'"},
      {"{\"n\":-}", "bad value for key 'n'"},
      {"{\"n\":1.}", "bad value for key 'n'"},
      {"{\"n\":1e}", "bad value for key 'n'"},
      {"{\"n\":[1,2}", "bad value for key 'n'"},
      {"{\"n\":[\"x]", "bad value for key 'n'"},
      {"{\"n\":[[1]", "bad value for key 'n'"},
      {"{\"n\":", "bad value for key 'n'"},
      {"{\"cmd\":\"x\\", "bad value for key 'cmd'"},
  };
  for (const auto &c : cases) {
    Command command = parse_command(c.payload);
    CHECK(command.kind == CommandKind::INVALID);
    CHECK_STR(command.error, c.error);
  }
}
