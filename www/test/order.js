// A gated external script for the order test: records when it ran.
(window.ranInOrder = window.ranInOrder || []).push("external " + document.currentScript.dataset.step);
