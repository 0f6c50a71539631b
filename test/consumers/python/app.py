"""A cdk8s app in Python, written the way a Python user writes one: snake_case keyword arguments and the struct
classes. It monitors the Iris API (the stack's default) and one other application, `checkout`.

test/consumers.test.ts installs the package that jsii-pacmak generates and runs `python app.py OUTDIR`; the objects
written must equal those of the TypeScript twin, test/consumers/typescript/app.ts. Keep the two in step.
"""
import sys

from cdk8s import App, Chart
from cdk8s_mlops_monitoring import AlertRule, AlertSeverity, MonitoredApplication, MonitoringStack, RuleGroup

checkout = MonitoredApplication(
    name="checkout",
    namespace="shop",
    service_name="checkout-service",
    port_name="metrics",
    metrics_path="/prometheus",
    scrape_interval="30s",
    service_labels={"app": "checkout"},
)

checkout_alerts = RuleGroup(
    name="checkout",
    rules=[
        AlertRule(
            alert="CheckoutDown",
            expr='up{job="checkout"} == 0',
            for_duration="2m",
            severity=AlertSeverity.CRITICAL,
            component="checkout",
            summary="Checkout instance {{ $labels.pod }} is down",
            description="Prometheus has not scraped {{ $labels.pod }} for 2 minutes.",
        ),
    ],
)

app = App(outdir=sys.argv[1])
chart = Chart(app, "monitoring")
stack = MonitoringStack(chart, "monitoring")  # with the Iris API, as by default
stack.monitor_application(checkout, alerts=[checkout_alerts])
app.synth()
