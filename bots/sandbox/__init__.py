"""The embedded world the bots run against when nothing real is configured.

* ``bots.sandbox.sap``: an SAP simulator answering the same function modules
  as a real system over the same ``call(name, **params)`` surface, backed by
  a SQLite file, with a demo data generator;
* ``bots.sandbox.portals``: reference customer AP portals (web apps);
* ``bots.sandbox.mailbox``: the demo mailbox of remittance e-mails;
* ``bots.sandbox.world``: all of it reset at once (``arbots demo``).

Production code never imports this package except through the
``mode = "sandbox"`` switch of the configuration.
"""
