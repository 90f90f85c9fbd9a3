import logging

from workstation.services.events import EventBus


class Ping:
    pass


class Pong:
    pass


def test_handlers_get_only_their_event_type_and_can_unsubscribe():
    bus = EventBus()
    pings, pongs = [], []
    stop = bus.subscribe(Ping, pings.append)
    bus.subscribe(Pong, pongs.append)
    bus.publish(Ping())
    bus.publish(Pong())
    stop()
    bus.publish(Ping())
    assert len(pings) == 1
    assert len(pongs) == 1


def test_a_failing_handler_is_logged_and_others_still_run(caplog):
    bus = EventBus()
    got = []

    def broken(_event):
        raise RuntimeError("boom")

    bus.subscribe(Ping, broken)
    bus.subscribe(Ping, got.append)
    with caplog.at_level(logging.ERROR):
        bus.publish(Ping())
    assert len(got) == 1
    assert "event handler" in caplog.text
