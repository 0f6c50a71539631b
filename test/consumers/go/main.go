// A cdk8s app in Go, written the way a Go user writes one: it monitors the Iris API (the stack's default) and one
// other application, `checkout`. test/consumers.test.ts builds it against the Go module that jsii-pacmak generates
// (a `replace` to the local output) and runs `consumer OUTDIR`; the objects written must equal those of the
// TypeScript twin, test/consumers/typescript/app.ts. Keep the two in step.
package main

import (
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	monitoring "github.com/iris-mlops/cdk8s-mlops-monitoring-go/cdk8smlopsmonitoring"
)

func main() {
	defer jsii.Close()

	checkout := &monitoring.MonitoredApplication{
		Name:           jsii.String("checkout"),
		Namespace:      jsii.String("shop"),
		ServiceName:    jsii.String("checkout-service"),
		PortName:       jsii.String("metrics"),
		MetricsPath:    jsii.String("/prometheus"),
		ScrapeInterval: jsii.String("30s"),
		ServiceLabels:  &map[string]*string{"app": jsii.String("checkout")},
	}
	checkoutAlerts := &monitoring.RuleGroup{
		Name: jsii.String("checkout"),
		Rules: &[]interface{}{
			&monitoring.AlertRule{
				Alert:       jsii.String("CheckoutDown"),
				Expr:        jsii.String(`up{job="checkout"} == 0`),
				ForDuration: jsii.String("2m"),
				Severity:    monitoring.AlertSeverity_CRITICAL,
				Component:   jsii.String("checkout"),
				Summary:     jsii.String("Checkout instance {{ $labels.pod }} is down"),
				Description: jsii.String("Prometheus has not scraped {{ $labels.pod }} for 2 minutes."),
			},
		},
	}

	app := cdk8s.NewApp(&cdk8s.AppProps{Outdir: jsii.String(os.Args[1])})
	chart := cdk8s.NewChart(app, jsii.String("monitoring"), nil)
	stack := monitoring.NewMonitoringStack(chart, jsii.String("monitoring"), nil) // with the Iris API, as by default
	stack.MonitorApplication(checkout, &monitoring.ApplicationMonitoringOptions{
		Alerts: &[]*monitoring.RuleGroup{checkoutAlerts},
	})
	app.Synth()
}
