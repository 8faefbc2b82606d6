export default function Defaults() {
  return <h1>Defaults</h1>;
}
