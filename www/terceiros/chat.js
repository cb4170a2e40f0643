// A third-party chat loader; it only announces itself.
window.chatCarregado = true;
