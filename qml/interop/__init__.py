"""Conversions between the qml IR and Qiskit, OpenQASM 3 and PennyLane."""
