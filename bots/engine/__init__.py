"""The Temporal engine: the same bots as :mod:`bots.runner`, run as a workflow on workers.

``[engine] kind = "temporal"`` (or ``ARBOTS_TEMPORAL=host:port``) makes
``arbots run`` start :class:`~bots.engine.workflows.RunWorkflow` instead of
running the bots in its own process; ``arbots worker`` runs the workflows and
activities. One module per responsibility:

- :mod:`bots.engine.plan`: the plain data a workflow carries (ids, never
  secrets or personal data), the task queue of each bot, the workflow id;
- :mod:`bots.engine.workflows`: the workflow (sandbox-safe: imports no SAP,
  browser, PDF or pandas code);
- :mod:`bots.engine.activities`: begin the run, run one bot, finish the run;
- :mod:`bots.engine.checkpoint`: the run's report and shared memo between
  activities, in the run folder (JSON, ids for the memo);
- :mod:`bots.engine.resume`: the open-item pages an activity read, so that a
  retry resumes at the page reached;
- :mod:`bots.engine.errors`: which errors Temporal retries;
- :mod:`bots.engine.client`: connect (TLS from ``[engine.tls]``), start, follow
  and wait (``arbots run``);
- :mod:`bots.engine.worker`: the workers of ``arbots worker``, with the
  per-queue limits of ``[engine.queues]``;
- :mod:`bots.engine.schedules`: ``arbots schedule sync``, the ``[schedule]``
  jobs as Temporal Schedules.

The landscape's lease: the first activity takes it for the run id; every bot
activity takes it again for the same run (which renews it and names its
worker as the holder) and renews it with each Temporal heartbeat; the last
activity releases it. One lease row, one mechanism for both engines.
"""
