package iris

import (
	"errors"
	"math"
	"math/rand/v2"
)

// Measurements of one flower, in centimetres: the four named fields, or `features` in that order.
type Measurements struct {
	SepalLength *float64  `json:"sepal_length,omitempty"`
	SepalWidth  *float64  `json:"sepal_width,omitempty"`
	PetalLength *float64  `json:"petal_length,omitempty"`
	PetalWidth  *float64  `json:"petal_width,omitempty"`
	Features    []float64 `json:"features,omitempty"`
}

func (m Measurements) vector() ([4]float64, error) {
	var x [4]float64
	if m.Features != nil {
		if len(m.Features) != 4 {
			return x, errors.New("features: give 4 numbers (sepal length, sepal width, petal length, petal width)")
		}
		copy(x[:], m.Features)
		return x, nil
	}
	for i, f := range []*float64{m.SepalLength, m.SepalWidth, m.PetalLength, m.PetalWidth} {
		if f == nil {
			return x, errors.New("give sepal_length, sepal_width, petal_length and petal_width, or features")
		}
		x[i] = *f
	}
	return x, nil
}

// The three species, their mean measurements and standard deviations in Fisher's Iris data set.
var species = []struct {
	name       string
	mean, sdev [4]float64
}{
	{"setosa", [4]float64{5.006, 3.428, 1.462, 0.246}, [4]float64{0.352, 0.379, 0.174, 0.105}},
	{"versicolor", [4]float64{5.936, 2.770, 4.260, 1.326}, [4]float64{0.516, 0.314, 0.470, 0.198}},
	{"virginica", [4]float64{6.588, 2.974, 5.552, 2.026}, [4]float64{0.636, 0.322, 0.552, 0.275}},
}

// classify is the "model": a Gaussian naive Bayes over the species' means and deviations, so that
// confidences spread as a trained model's do (setosa certain, versicolor and virginica overlapping).
func classify(x [4]float64) Prediction {
	logp := make([]float64, len(species))
	best := 0
	for k, s := range species {
		for i := range x {
			z := (x[i] - s.mean[i]) / s.sdev[i]
			logp[k] += -0.5*z*z - math.Log(s.sdev[i])
		}
		if logp[k] > logp[best] {
			best = k
		}
	}
	var total float64
	for k := range logp {
		total += math.Exp(logp[k] - logp[best])
	}
	p := Prediction{Class: species[best].name, Probabilities: map[string]float64{}}
	for k, s := range species {
		p.Probabilities[s.name] = math.Exp(logp[k]-logp[best]) / total
	}
	p.Confidence = p.Probabilities[p.Class]
	return p
}

// Sample draws a flower of a random species, as a client of the API would send.
func Sample(r *rand.Rand) Measurements {
	s := species[r.IntN(len(species))]
	var f [4]float64
	for i := range f {
		f[i] = math.Max(0.1, math.Round((s.mean[i]+r.NormFloat64()*s.sdev[i])*10)/10)
	}
	return Measurements{Features: f[:]}
}
