// The visit counter the portal gates behind "analytics".
window.contadorCarregado = true;
