import Consent from "./consent";

export const metadata = { title: "Ouvidoria de Vila Serena — app" };

export default function RootLayout({ children }) {
  return (
    <html lang="pt-BR">
      <body>
        <Consent />
        {children}
      </body>
    </html>
  );
}
