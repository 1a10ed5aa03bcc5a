/** Tailwind build for BankFlow's server-rendered pages. */
module.exports = {
  content: ['../templates/**/*.html', '../adapters/http/**/*.go'],
  theme: {
    extend: {
      colors: {
        brand: { 50: '#eef6ff', 100: '#d9ebff', 500: '#1d6fd8', 600: '#155ab4', 700: '#124a93', 900: '#0c2c57' },
      },
    },
  },
  plugins: [],
};
