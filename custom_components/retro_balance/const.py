"""Constants of the Retro Balance integration."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "retro_balance"
LOGGER = logging.getLogger(__package__)

# Config entry data (one entry per pad).
CONF_PREFIX: Final = "prefix"
CONF_PAD_ID: Final = "pad_id"

# Options.
CONF_CAP_S: Final = "cap_s"
CONF_DAILY_TESTS: Final = "daily_check_tests"
CONF_TRIALS: Final = "trials"
CONF_TTS_ENGINE: Final = "tts_engine"
"""Spoken guidance (optional): the TTS engine entity that speaks the pad's instructions ..."""
CONF_MEDIA_PLAYER: Final = "media_player"
"""... and the media player entity it speaks on (both or neither)."""

# Person subentries.
SUBENTRY_PERSON: Final = "person"
CONF_NAME: Final = "name"
CONF_BIRTH_YEAR: Final = "birth_year"
CONF_SEX: Final = "sex"
CONF_WEIGHT_MIN_KG: Final = "weight_min_kg"
CONF_WEIGHT_MAX_KG: Final = "weight_max_kg"
CONF_USE_PAD_WEIGHT: Final = "use_pad_weight"
"""A form field only: fill the weight range in from the weight on the pad now."""
CONF_BASELINE_FROM: Final = "baseline_from"
"""Not a form field: the day the person's trend baseline starts again (ISO date), set by the
`restart_baseline` action and kept when the person's details are changed."""

# What the "next test" select offers besides the single stance tests.
DAILY_CHECK: Final = "daily_check"
# What "next test" and `start_test` also offer: single-leg practice (the coach's; never a session).
SINGLE_LEG_PRACTICE: Final = "single_leg_practice"
# What the "who is on the pad" select offers besides the people's names.
PERSON_AUTOMATIC: Final = "automatic"

# Services.
SERVICE_START_TEST: Final = "start_test"
SERVICE_CANCEL_TEST: Final = "cancel_test"
SERVICE_ASSIGN_SESSION: Final = "assign_session"
SERVICE_DELETE_SESSION: Final = "delete_session"
SERVICE_EXPORT_HISTORY: Final = "export_history"
SERVICE_IMPORT_HISTORY: Final = "import_history"
SERVICE_RESTART_BASELINE: Final = "restart_baseline"
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_PAD: Final = "pad"
ATTR_SCOPE: Final = "scope"
ATTR_TEST: Final = "test"
ATTR_PERSON: Final = "person"
ATTR_SESSION_ID: Final = "session_id"
ATTR_INCLUDE_RAW_COP: Final = "include_raw_cop"
ATTR_SESSIONS: Final = "sessions"
ATTR_DATE: Final = "date"
ATTR_CLEAR: Final = "clear"

# Device models, so that the actions' device selectors can tell a pad from a person.
MODEL_ID_PAD: Final = "balance_pad"
MODEL_ID_PERSON: Final = "person"

# The retro-walking coach's actions.
SERVICE_LOG_RETRO_WALK: Final = "log_retro_walk"
SERVICE_SNOOZE_RETRO_WALK: Final = "snooze_retro_walk"
SERVICE_SET_RETRO_WALK_DAYS: Final = "set_retro_walk_days"
SERVICE_RESTART_PROGRAMME: Final = "restart_programme"
ATTR_KIND: Final = "kind"
ATTR_MINUTES: Final = "minutes"
ATTR_SUPPORT: Final = "support"
ATTR_NOTE: Final = "note"
ATTR_STARTED_AT: Final = "started_at"
ATTR_DAYS: Final = "days"
ATTR_START_DATE: Final = "start_date"
DEFAULT_SNOOZE_MIN: Final = 30

# The event entity's event type.
EVENT_TEST_COMPLETED: Final = "test_completed"
EVENT_SESSION_UNASSIGNED: Final = "session_unassigned"

# Live values reach entities at most this often (the pad sends ~8 frames per second).
LIVE_UPDATE_INTERVAL_S: Final = 1.0
# While no test runs, a pad's frames wait at most this long after the first of them arrived and
# are then judged together, which costs much less than one by one (`docs/architecture.md`).
FRAME_BATCH_S: Final = 1.0
# ...and no more than this many wait (a flood of frames is judged at once, memory stays bounded).
MAX_HELD_FRAMES: Final = 64
# The test progress sensor moves in steps of this many seconds: Home Assistant records a state
# for every step, and a step a second would be most of the rows a pad writes in a day.
PROGRESS_STEP_S: Final = 5
# A malformed or rejected frame is logged at most once per this interval, per pad and reason.
LOG_INTERVAL_S: Final = 60.0
# The pad counts as gone for good (repair issue) after this long offline.
OFFLINE_ISSUE_AFTER_S: Final = 24 * 3600.0
# The pad sends at least one frame a second (idle mode): after this long without one, the live
# weight, occupancy and sample rate are stale and no longer shown.
LIVE_VALUES_EXPIRE_AFTER_S: Final = 3.0
# A cue that could not be sent (broker down) is sent again on reconnection if it is this recent.
CUE_RESEND_WITHIN_S: Final = 30.0

ISSUE_PAD_OFFLINE: Final = "pad_offline"
ISSUE_UNSUPPORTED_VERSION: Final = "unsupported_version"
ISSUE_CALIBRATION: Final = "calibration"
ISSUE_WEIGHT_RANGES: Final = "weight_ranges"
ISSUE_UNASSIGNED_SESSIONS: Final = "unassigned_sessions"
ISSUE_TWIN_PADS: Final = "twin_pads"
ISSUE_STORAGE_TOO_NEW: Final = "storage_too_new"
ISSUE_QUARANTINED: Final = "sessions_quarantined"
ISSUE_CORRUPT_STORAGE: Final = "corrupt_storage"
