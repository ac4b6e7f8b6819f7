package nn

import (
	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/tensor"
)

// CrossEntropy returns the mean cross-entropy of logits [n, classes]
// against class indices (one per row): PyTorch's F.cross_entropy. The
// softmax is fused into the loss, so pass raw scores, not probabilities.
func CrossEntropy(logits *autograd.Var, targets []int) *autograd.Var {
	return autograd.SoftmaxCrossEntropy(logits, targets)
}

// MSE returns the mean squared error between pred and target.
func MSE(pred *autograd.Var, target *tensor.Tensor) *autograd.Var {
	return autograd.MSE(pred, target)
}

// BCE returns the mean binary cross-entropy of probabilities against
// targets in [0, 1] (logs clamped at −100 as in PyTorch).
func BCE(prob *autograd.Var, target *tensor.Tensor) *autograd.Var {
	return autograd.BCE(prob, target)
}

// BCEWithLogits returns BCE(sigmoid(logits), target), computed stably.
func BCEWithLogits(logits *autograd.Var, target *tensor.Tensor) *autograd.Var {
	return autograd.BCEWithLogits(logits, target)
}
