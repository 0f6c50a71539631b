// po-lint checks Prometheus Operator objects in YAML files the way the Operator v0.93.0 reads them.
//
// Upstream removed its po-lint command in 2024 (prometheus-operator#6474, for issue #4099), so v0.93.0 has
// none; this is its check rebuilt on v0.93.0's own code: each monitoring.coreos.com document must decode
// into the Operator's type with no unknown field, a PrometheusRule must pass the rule validation the
// Operator's admission webhook runs (operator.ValidateRule, legacy name validation as cmd/operator wires it)
// and an AlertmanagerConfig the webhook's validation. Other kinds are skipped. Usage: po-lint FILE...;
// prints one line per problem and exits 1 if there was any.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	validationv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/alertmanager/validation/v1alpha1"
	validationv1beta1 "github.com/prometheus-operator/prometheus-operator/pkg/alertmanager/validation/v1beta1"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	monitoringv1beta1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1beta1"
	"github.com/prometheus-operator/prometheus-operator/pkg/operator"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: po-lint FILE...")
		os.Exit(2)
	}
	problems := 0
	for _, file := range os.Args[1:] {
		for _, err := range lintFile(file) {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			problems++
		}
	}
	if problems > 0 {
		os.Exit(1)
	}
}

func lintFile(file string) []error {
	f, err := os.Open(file)
	if err != nil {
		return []error{err}
	}
	defer f.Close()
	var errs []error
	reader := utilyaml.NewYAMLReader(bufio.NewReader(f))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return errs
		}
		if err != nil {
			return append(errs, err)
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		var meta struct {
			metav1.TypeMeta   `json:",inline"`
			metav1.ObjectMeta `json:"metadata"`
		}
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range lintObject(meta.APIVersion, meta.Kind, doc) {
			errs = append(errs, fmt.Errorf("%s %q: %w", meta.Kind, meta.Name, e))
		}
	}
}

// kinds: a new object of the Operator's type for each apiVersion and kind it serves.
var kinds = map[string]func() any{
	"monitoring.coreos.com/v1 Prometheus":               func() any { return &monitoringv1.Prometheus{} },
	"monitoring.coreos.com/v1 Alertmanager":             func() any { return &monitoringv1.Alertmanager{} },
	"monitoring.coreos.com/v1 ServiceMonitor":           func() any { return &monitoringv1.ServiceMonitor{} },
	"monitoring.coreos.com/v1 PodMonitor":               func() any { return &monitoringv1.PodMonitor{} },
	"monitoring.coreos.com/v1 Probe":                    func() any { return &monitoringv1.Probe{} },
	"monitoring.coreos.com/v1 ThanosRuler":              func() any { return &monitoringv1.ThanosRuler{} },
	"monitoring.coreos.com/v1 PrometheusRule":           func() any { return &monitoringv1.PrometheusRule{} },
	"monitoring.coreos.com/v1alpha1 PrometheusAgent":    func() any { return &monitoringv1alpha1.PrometheusAgent{} },
	"monitoring.coreos.com/v1alpha1 ScrapeConfig":       func() any { return &monitoringv1alpha1.ScrapeConfig{} },
	"monitoring.coreos.com/v1alpha1 AlertmanagerConfig": func() any { return &monitoringv1alpha1.AlertmanagerConfig{} },
	"monitoring.coreos.com/v1beta1 AlertmanagerConfig":  func() any { return &monitoringv1beta1.AlertmanagerConfig{} },
}

// lintObject decodes one document strictly into the Operator's type for its apiVersion and kind.
func lintObject(apiVersion, kind string, doc []byte) []error {
	newObject, known := kinds[apiVersion+" "+kind]
	if !known {
		if strings.HasPrefix(apiVersion, monitoringv1.SchemeGroupVersion.Group+"/") {
			return []error{fmt.Errorf("unknown kind %s in %s", kind, apiVersion)}
		}
		return nil
	}
	obj := newObject()
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		return []error{err}
	}
	switch o := obj.(type) {
	case *monitoringv1.PrometheusRule:
		return operator.ValidateRule(o.Spec, model.LegacyValidation, parser.Options{})
	case *monitoringv1alpha1.AlertmanagerConfig:
		if err := validationv1alpha1.ValidateAlertmanagerConfig(o); err != nil {
			return []error{err}
		}
	case *monitoringv1beta1.AlertmanagerConfig:
		if err := validationv1beta1.ValidateAlertmanagerConfig(o); err != nil {
			return []error{err}
		}
	}
	return nil
}
