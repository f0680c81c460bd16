"""Developer tools: the local demo stack behind `scripts/develop`, and the parts it is made of.

The end-to-end tests (tests/e2e) start the same real parts through this package: mosquitto and
Home Assistant as subprocesses on loopback (`processes`, `mosquitto`, `home_assistant`, `stack`),
a client of Home Assistant's APIs (`client`), the demo pad and household (`demo`, `demo_pad`,
`live_pad`), the stack itself (`devstack`), and screenshots for the docs (`screenshots`, `browser`).
"""
